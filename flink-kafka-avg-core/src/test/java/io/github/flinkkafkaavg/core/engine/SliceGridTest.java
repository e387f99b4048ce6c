package io.github.flinkkafkaavg.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flinkkafkaavg.core.WindowSpec;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SliceGridTest {

    private static WindowSpec spec(long size, long slide, long offset) {
        return WindowSpec.ofSizeAndSlide(Duration.ofMillis(size), Duration.ofMillis(slide))
                .withOffset(Duration.ofMillis(offset));
    }

    /** 10 s windows sliding by 2 s: slices of 2 s from the epoch, each window five of them. */
    @ParameterizedTest(name = "t={0}: slice {1}, windows {2}..{3}, ended by slice boundary {4}")
    @CsvSource({
        // time,  slice, first, last, endSliceAtMost(time)
        "0,       0,     -4,    0,    0",
        "1998,    0,     -4,    0,    0",
        "1999,    0,     -4,    0,    1",   // the window ending at 2000 fires when the watermark reaches 1999
        "2000,    1,     -3,    1,    1",
        "-1,      -1,    -5,    -1,   0",
        "-2000,   -1,    -5,    -1,   -1",
        "-2001,   -2,    -6,    -2,   -1",
    })
    void tenSecondsByTwo(long time, long slice, long first, long last, long endedBy) {
        SliceGrid grid = new SliceGrid(List.of(spec(10_000, 2_000, 0)));
        assertThat(grid.sliceMillis()).isEqualTo(2_000);
        assertThat(grid.sliceOf(time)).isEqualTo(slice);
        assertThat(grid.firstWindowContaining(0, slice)).isEqualTo(first);
        assertThat(grid.lastWindowContaining(0, slice)).isEqualTo(last);
        assertThat(grid.endSliceAtMost(time)).isEqualTo(endedBy);
        assertThat(grid.endTime(0, first)).as("the first window holding it ends one slice after it")
                .isEqualTo(grid.timeOf(slice + 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // name,                         size, slide, offset, second spec (size, slide, offset; 0 = none), g, grid offset
        "'tumbling',                     1000, 1000,  0,      0,    0,    0,    1000, 0",
        "'slide not dividing size',      10000, 4000, 0,      0,    0,    0,    2000, 0",
        "'negative offset',              6000, 2000,  -700,   0,    0,    0,    2000, 1300",
        "'two specs, offsets differ',    10000, 5000, 0,      10000, 5000, 1500, 500, 0",
        "'two horizons',                 60000, 10000, 0,     300000, 10000, 0,  10000, 0",
    })
    void theSliceIsTheGcdOfSizesSlidesAndOffsetDifferences(String name, long size, long slide, long offset,
            long size2, long slide2, long offset2, long g, long gridOffset) {
        List<WindowSpec> specs = size2 == 0 ? List.of(spec(size, slide, offset))
                : List.of(spec(size, slide, offset), spec(size2, slide2, offset2));
        SliceGrid grid = new SliceGrid(specs);
        assertThat(grid.sliceMillis()).isEqualTo(g);
        assertThat(grid.timeOf(0)).isEqualTo(gridOffset);
        for (int j = 0; j < specs.size(); j++) {
            WindowSpec s = specs.get(j);
            assertThat(grid.sizeSlices(j) * g).isEqualTo(s.sizeMillis());
            assertThat(grid.slideSlices(j) * g).isEqualTo(s.slideMillis());
            // window 0 starts where Flink puts a window: at a multiple of the slide plus the offset
            assertThat(Math.floorMod(grid.timeOf(grid.startSlice(j, 0)) - s.offsetMillis(), s.slideMillis())).isZero();
        }
    }

    /** Every formula against counting windows one by one, as Flink's SlidingEventTimeWindows assigns them. */
    @Test
    void agreesWithAssigningWindowsOneByOne() {
        Random random = new Random(5);
        for (int round = 0; round < 200; round++) {
            long slide = 1 + random.nextInt(50);
            long size = slide * (1 + random.nextInt(6)) + (random.nextBoolean() ? 0 : random.nextInt((int) slide));
            long offset = random.nextInt((int) slide) * (random.nextBoolean() ? 1 : -1);
            WindowSpec s = spec(size, slide, offset);
            SliceGrid grid = new SliceGrid(List.of(s));
            for (long t = -300; t <= 300; t++) {
                // Flink: the last start at or before t, then back by the slide while the window still holds t
                long lastStart = t - Math.floorMod(t - offset, slide);
                long firstStart = lastStart;
                while (firstStart - slide > t - size) {
                    firstStart -= slide;
                }
                long i = grid.sliceOf(t);
                long first = grid.firstWindowContaining(0, i);
                long last = grid.lastWindowContaining(0, i);
                assertThat(grid.timeOf(grid.startSlice(0, last))).as("%s, t=%d, last start", s, t).isEqualTo(lastStart);
                assertThat(grid.timeOf(grid.startSlice(0, first))).as("%s, t=%d, first start", s, t).isEqualTo(firstStart);
                assertThat(grid.endTime(0, last)).isEqualTo(lastStart + size);
                assertThat(grid.lastEndContaining(i)).isEqualTo(lastStart + size - 1);
                // windows that have ended by t: end - 1 <= t
                long e = grid.endSliceAtMost(t);
                assertThat(grid.timeOf(e) - 1).isLessThanOrEqualTo(t);
                assertThat(grid.timeOf(e + 1) - 1).isGreaterThan(t);
                long ended = grid.lastWindowEndingAtOrBefore(0, e);
                assertThat(grid.endTime(0, ended) - 1).isLessThanOrEqualTo(t);
                assertThat(grid.endTime(0, ended + 1) - 1).isGreaterThan(t);
                assertThat(grid.firstWindowEndingAtOrAfter(0, e)).isIn(ended, ended + 1);
            }
        }
    }

    @Test
    void onlyTimesWhoseWindowsFitInALongAreWindowable() {
        SliceGrid grid = new SliceGrid(List.of(spec(60_000, 1_000, 0)));
        assertThat(grid.fitsInLong(0, 0)).isTrue();
        assertThat(grid.fitsInLong(Long.MAX_VALUE, 0)).isFalse();
        assertThat(grid.fitsInLong(Long.MIN_VALUE, 0)).isFalse();
        assertThat(grid.fitsInLong(Long.MAX_VALUE - 70_000, 0)).isTrue();
        assertThat(grid.fitsInLong(Long.MAX_VALUE - 70_000, 60_000)).as("the lateness must fit too").isFalse();
    }
}
