package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    /** With the tree, and without it (a ring built for one call on a serializing backend sums its leaves). */
    @ParameterizedTest(name = "keeping a tree: {0}")
    @ValueSource(booleans = {true, false})
    void queriesNextNonEmptyAndExpiryMatchBruteForceAcrossWrapAndGrowth(boolean tree) {
        for (int seed = 0; seed < 20; seed++) {
            Random random = new Random(seed);
            SliceRing ring = new SliceRing();
            if (!tree) {
                ring.keepNoTree();
            }
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

    @Test
    void aReservedRingHoldsTheSlicesWithoutGrowingAndAnswersTheSame() {
        SliceRing grown = new SliceRing();
        SliceRing reserved = new SliceRing();
        reserved.reserve(601);
        int capacity = reserved.capacity();
        assertThat(capacity).isEqualTo(1024);
        for (long i = 1_000; i < 1_601; i++) {
            grown.merge(i, 2, i * 0.5, 0, i * 0.1, i * 0.4, 0, 0);
            reserved.merge(i, 2, i * 0.5, 0, i * 0.1, i * 0.4, 0, 0);
        }
        assertThat(reserved.capacity()).isEqualTo(capacity);
        SliceRing.Aggregate a = new SliceRing.Aggregate();
        SliceRing.Aggregate b = new SliceRing.Aggregate();
        for (long from = 1_000; from < 1_600; from += 37) {
            grown.query(from, from + 60, a);
            reserved.query(from, from + 60, b);
            assertThat(b.count()).isEqualTo(a.count());
            assertThat(b.sum()).isEqualTo(a.sum());
            assertThat(b.min()).isEqualTo(a.min());
            assertThat(b.max()).isEqualTo(a.max());
        }
    }

    @Test
    void mergingAnAggregateEqualsAddingItsValues() {
        SliceRing added = new SliceRing();
        SliceRing merged = new SliceRing();
        double[] values = {1.5, -2.25, 1e12, 3e-3, 7, 1.7976931348623157E308, -1e300, 1.7976931348623157E308};
        for (double v : values) {
            added.add(5, v);
        }
        added.add(5, 4);
        // the same values summed elsewhere (as KeyHeader does) and merged in one step
        SliceRing elsewhere = new SliceRing();
        for (double v : values) {
            elsewhere.add(5, v);
        }
        merged.add(5, 4);
        merged.merge(5, elsewhere.sliceCount(5), elsewhere.sliceSumHi(5), elsewhere.sliceSumLo(5),
                elsewhere.sliceMin(5), elsewhere.sliceMax(5), elsewhere.sliceBigHi(5), elsewhere.sliceBigLo(5));
        assertThat(merged.sliceCount(5)).isEqualTo(9);
        assertThat(merged.sliceSumHi(5) + merged.sliceSumLo(5)).isEqualTo(added.sliceSumHi(5) + added.sliceSumLo(5));
        assertThat(merged.sliceBigHi(5) + merged.sliceBigLo(5)).isEqualTo(added.sliceBigHi(5) + added.sliceBigLo(5))
                .isNotZero();
        assertThat(merged.sliceMin(5)).isEqualTo(-1e300);
        assertThat(merged.sliceMax(5)).isEqualTo(1.7976931348623157E308);
    }
}
