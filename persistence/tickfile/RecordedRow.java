package persistence.tickfile;

import conditions.Market;

/**
 * One line a source records beside its ticks (a quote, a member-flow update): the time and market
 * decide its trading day, hence its file, as a tick's do ({@link TickRecorder#tradingDay}).
 *
 * @param time   epoch millis
 * @param market its market (time zone and trading-day start)
 * @param line   the CSV line, without its newline, matching the file's header
 */
public record RecordedRow(long time, Market market, String line) {
}
