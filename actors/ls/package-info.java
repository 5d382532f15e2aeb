/**
 * What the LS Securities OpenAPI needs on both sides of the node: the token client, shared by the
 * feed ({@code engine.sources.ls}) and the order sink's LS broker ({@code actors.sinks.orders}).
 */
package actors.ls;
