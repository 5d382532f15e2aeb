/**
 * The daily fetcher: daily bars and investor flows of the KRX tickers a node feeds, kept in
 * {@code persistence.daily.DailyStore} (README "Daily data"). Layer {@code engine}.
 */
package engine.daily;
