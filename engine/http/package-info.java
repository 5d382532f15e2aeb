/**
 * The admin HTTP API, one route class per resource ({@code TickerRoutes}, {@code TickRoutes},
 * {@code ConditionRoutes}, {@code HitRoutes}, {@code HealthRoutes}), composed by
 * {@code engine.AdminApi}. A route only translates: it reads the request, calls the {@code Node}, and
 * answers with a record that Jackson writes (snake_case names through {@code @JsonProperty}); no
 * business rule lives here. Shared plumbing: {@code ApiDirectives} (replies, body, limit),
 * {@code ApiJson} (the system's mapper), {@code ApiErrors} (exceptions and rejections as
 * {@code {"error", "detail"}}), {@code Auth} (the admin token).
 */
package engine.http;
