/**
 * The universe job: the day's top KRX stocks by 5-day institutional plus foreign net buying, watched
 * with source {@code naver}; run by one node (a cluster singleton), resumable from
 * {@code persistence.universe.UniverseStore} (README "Universe"). Layer {@code engine}.
 */
package engine.universe;
