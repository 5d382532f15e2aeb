/**
 * The universe job's tables: the day's candidates with their scores (its resume point) and the
 * finished lists. Layer {@code persistence}.
 */
package persistence.universe;
