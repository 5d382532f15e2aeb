package engine.sources.naver;

import java.time.LocalTime;

/**
 * One row of Naver's minute page ({@code item/sise_time.naver}), numbers as shown.
 *
 * @param time      the minute ({@code HH:MM}, KST); the row sums the trades of that minute
 * @param price     체결가: the last price of the minute
 * @param change    전일비: change against the previous close, signed (the page shows the sign as an icon)
 * @param ask       매도: best ask
 * @param bid       매수: best bid
 * @param cumVolume 거래량: the day's cumulative volume at the end of the minute
 * @param volume    변동량: the volume of this minute
 */
public record MinuteRow(LocalTime time, long price, long change, long ask, long bid, long cumVolume, long volume) {
}
