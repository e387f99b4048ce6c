package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SliceRingTest {

    /** Brute-force slices: the oracle for the ring's segment tree, wrap-around and growth. */
    private static final class Slices {
        final TreeMap<Long, double[]> slices = new TreeMap<>(); // {count, sum, min, max}

        void add(long i, double v) {
            double[] s = slices.computeIfAbsent(i, k -> new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
            s[0]++;
            s[1] += v;
            s[2] = Math.min(s[2], v);
            s[3] = Math.max(s[3], v);
        }

        double[] query(long from, long to) {
            double[] r = {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
            slices.subMap(from, to).values().forEach(s -> {
                r[0] += s[0];
                r[1] += s[1];
                r[2] = Math.min(r[2], s[2]);
                r[3] = Math.max(r[3], s[3]);
            });
            return r;
        }
    }

    @Test
    void queriesNextNonEmptyAndExpiryMatchBruteForceAcrossWrapAndGrowth() {
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            SliceRing ring = new SliceRing();
            Slices oracle = new Slices();
            SliceRing.Aggregate agg = new SliceRing.Aggregate();
            long head = random.nextInt(1_000) - 500;
            long base = head;
            for (int step = 0; step < 5_000; step++) {
                int op = random.nextInt(10);
                if (op < 6) {
                    long i = head - random.nextInt(40);
                    if (i >= base) {
                        double v = random.nextInt(2_000) - 1_000; // integers: sums are exact in double too
                        ring.add(i, v);
                        oracle.add(i, v);
                    }
                    head += random.nextInt(3);
                    if (random.nextInt(200) == 0) {
                        head += random.nextInt(300); // a jump that forces growth
                    }
                } else if (op < 8) {
                    long from = base + random.nextInt(80) - 20;
                    long to = from + random.nextInt(120);
                    ring.query(from, to, agg);
                    double[] expected = oracle.query(from, to);
                    assertThat(agg.count()).isEqualTo((long) expected[0]);
                    if (expected[0] > 0) {
                        assertThat(agg.sum()).isEqualTo(expected[1]);
                        assertThat(agg.min()).isEqualTo(expected[2]);
                        assertThat(agg.max()).isEqualTo(expected[3]);
                    }
                    Long next = oracle.slices.ceilingKey(from);
                    assertThat(ring.nextNonEmpty(from)).isEqualTo(next == null ? SliceRing.NONE : next);
                } else if (op == 8) {
                    long keep = base + random.nextInt(30);
                    ring.expireBefore(keep);
                    oracle.slices.headMap(keep).clear();
                    base = Math.max(base, keep);
                    assertThat(ring.isEmpty()).isEqualTo(oracle.slices.isEmpty());
                    if (!ring.isEmpty()) {
                        assertThat(ring.base()).isEqualTo(oracle.slices.firstKey());
                    }
                } else if (!oracle.slices.isEmpty()) {
                    long span = oracle.slices.lastKey() - oracle.slices.firstKey() + 1;
                    long i = oracle.slices.firstKey() + random.nextInt((int) Math.min(50, span));
                    double[] s = oracle.slices.get(i);
                    assertThat(ring.sliceCount(i)).isEqualTo(s == null ? 0 : (long) s[0]);
                }
                assertThat(ring.capacity()).isLessThanOrEqualTo(2048);
            }
        }
    }

    @Test
    void clearEmptiesAndTheRingIsReusable() {
        SliceRing ring = new SliceRing();
        for (int i = 0; i < 100; i++) {
            ring.add(i, i);
        }
        ring.clear();
        assertThat(ring.isEmpty()).isTrue();
        ring.add(1_000_000, 2.5);
        SliceRing.Aggregate agg = new SliceRing.Aggregate();
        ring.query(0, 2_000_000, agg);
        assertThat(agg.count()).isEqualTo(1);
        assertThat(agg.average()).isEqualTo(2.5);
    }
}
