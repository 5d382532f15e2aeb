package testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline: the suite's one way to wait, never a bare sleep. */
public final class Await {
    private Await() {
    }

    /** Polls {@code done} every 10 ms until it holds; an {@link AssertionError} naming {@code what} after {@code within}. */
    public static void until(BooleanSupplier done, Duration within, String what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(10);
        }
    }
}
