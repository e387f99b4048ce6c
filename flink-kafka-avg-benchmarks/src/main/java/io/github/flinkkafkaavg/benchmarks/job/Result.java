package io.github.flinkkafkaavg.benchmarks.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/** One result of any variant, reduced to what they all have, so samples can be compared across variants. */
public class Result {
    static final TypeInformation<Result> TYPE = TypeInformation.of(Result.class);

    /** The key. */
    public long key;
    /** The window start; 0 for count-based averages. */
    public long start;
    /** Values in the average. */
    public long count;
    /** The average. */
    public double average;

    /** For Flink's POJO serializer. */
    public Result() {}

    Result(long key, long start, long count, double average) {
        this.key = key;
        this.start = start;
        this.count = count;
        this.average = average;
    }
}
