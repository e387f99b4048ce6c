package io.github.flinkkafkaavg.connectors.exactlyonce;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.checkpoint.TaskStateStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;

/**
 * What a checkpoint that does not complete is waiting for: which tasks have not acknowledged it, and where the
 * threads that would acknowledge it (task threads, the checkpoint timer, the source coordinator, Kafka clients) are.
 * A once-seen stall of a triggered checkpoint in {@link ExactlyOnceITCase} did not reproduce in 56 runs; this is
 * what the next occurrence prints instead of a bare timeout.
 */
final class CheckpointStall {

    private static final String[] THREADS = {"SlidingAverage", "Source:", "Checkpoint Timer", "SourceCoordinator",
        "kafka-producer-network-thread", "jobmanager-io", "Sink"};
    private static final int FRAMES = 30;

    private CheckpointStall() {}

    static String describe(MiniCluster miniCluster, JobID job) {
        StringBuilder report = new StringBuilder();
        try {
            AccessExecutionGraph graph = miniCluster.getExecutionGraph(job).get(10, TimeUnit.SECONDS);
            report.append("job ").append(graph.getState()).append('\n');
            for (AbstractCheckpointStats checkpoint : graph.getCheckpointStatsSnapshot().getHistory().getCheckpoints()) {
                if (checkpoint.getStatus() != CheckpointStatsStatus.IN_PROGRESS) {
                    continue;
                }
                report.append("checkpoint ").append(checkpoint.getCheckpointId()).append(" in progress, ")
                        .append(checkpoint.getNumberOfAcknowledgedSubtasks()).append('/')
                        .append(checkpoint.getNumberOfSubtasks()).append(" subtasks acknowledged\n");
                for (TaskStateStats task : checkpoint.getAllTaskStateStats()) {
                    AccessExecutionJobVertex vertex = graph.getJobVertex(task.getJobVertexId());
                    report.append("  ").append(vertex == null ? task.getJobVertexId() : vertex.getName()).append(": ")
                            .append(task.getNumberOfAcknowledgedSubtasks()).append('/')
                            .append(task.getNumberOfSubtasks()).append(" acknowledged\n");
                }
            }
        } catch (Exception e) {
            report.append("(no checkpoint statistics: ").append(e).append(")\n");
        }
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            String name = thread.getKey().getName();
            boolean relevant = false;
            for (String prefix : THREADS) {
                relevant |= name.contains(prefix);
            }
            if (!relevant) {
                continue;
            }
            report.append("thread \"").append(name).append("\" ").append(thread.getKey().getState()).append('\n');
            StackTraceElement[] frames = thread.getValue();
            for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                report.append("    at ").append(frames[i]).append('\n');
            }
        }
        return report.toString();
    }
}
