package engine.sources.naver;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** A clock a test sets: "it is 11:00:03 KST on 2026-11-20 now". */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(LocalDateTime kst) {
        set(kst);
    }

    public void set(LocalDateTime kst) {
        now = kst.atZone(KrxCalendar.KST).toInstant();
    }

    @Override
    public ZoneId getZone() {
        return KrxCalendar.KST;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
        return now;
    }
}
