package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The combiner's own table: every key and slice once, with all its values, each key's in first-arrival order. */
class SliceCombinerTest {

    private static final SlidingWindowEngine ENGINE = new SlidingWindowEngine(
            List.of(WindowSpec.ofSizeAndSlide(Duration.ofSeconds(10), Duration.ofSeconds(1))), 0);

    @Test
    void manyKeysAndSlicesGrowTheTableAndComeOutOncePerKeyAndSliceInArrivalOrder() {
        SliceCombiner<String> combiner = new SliceCombiner<>(ENGINE, 5_000);
        Random random = new Random(5);
        for (int round = 0; round < 3; round++) {
            Map<String, double[]> expected = new LinkedHashMap<>(); // "key/slice" -> {count, sum, min, max}
            Map<String, List<Long>> order = new HashMap<>();
            while (expected.size() < 4_000) {
                String key = "k" + random.nextInt(1_500);
                long ts = random.nextInt(4_000); // slices 0 to 3
                double value = random.nextInt(2_000) - 1_000;
                assertThat(combiner.add(new String(key), ts, value, Long.MIN_VALUE)).isTrue(); // equal, not the same
                double[] e = expected.computeIfAbsent(key + "/" + ENGINE.sliceOf(ts), k -> {
                    order.computeIfAbsent(key, x -> new ArrayList<>()).add(ENGINE.sliceOf(ts));
                    return new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
                });
                e[0]++;
                e[1] += value;
                e[2] = Math.min(e[2], value);
                e[3] = Math.max(e[3], value);
            }
            assertThat(combiner.partials()).isEqualTo(4_000);
            Map<String, double[]> actual = new HashMap<>();
            Map<String, List<Long>> actualOrder = new HashMap<>();
            combiner.flush((key, ts, p) -> {
                long slice = ENGINE.sliceOf(ts);
                assertThat(actual.put(key + "/" + slice, new double[] {p.count(), p.hi() + p.lo(), p.min(), p.max()}))
                        .as("once per key and slice").isNull();
                actualOrder.computeIfAbsent(key, x -> new ArrayList<>()).add(slice);
            });
            assertThat(actual).containsOnlyKeys(expected.keySet());
            expected.forEach((k, e) -> assertThat(actual.get(k)).as(k).containsExactly(e));
            assertThat(actualOrder).isEqualTo(order);
            assertThat(combiner.partials()).isZero();
            assertThat(combiner.values()).isZero();
        }
    }

    @Test
    void aFullCombinerRefusesMoreUntilFlushedAndAnEndedSliceIsNotTaken() {
        SliceCombiner<String> combiner = new SliceCombiner<>(ENGINE, 2);
        assertThat(combiner.add("a", 0, 1, Long.MIN_VALUE)).isTrue();
        assertThat(combiner.add("b", 0, 1, Long.MIN_VALUE)).isTrue();
        assertThat(combiner.isFull()).isTrue();
        assertThat(combiner.add("a", 10, 2, Long.MIN_VALUE)).as("a slice it holds still takes values").isTrue();
        assertThatThrownBy(() -> combiner.add("c", 0, 1, Long.MIN_VALUE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("flush it when isFull()");
        combiner.flush((key, ts, p) -> { });
        assertThat(combiner.add("c", 999, 1, 998)).as("slice [0, 1000) open at 998").isTrue();
        assertThat(combiner.add("c", 999, 1, 999)).as("ended at 999").isFalse();
    }
}
