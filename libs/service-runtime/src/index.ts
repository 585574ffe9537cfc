export { createLogger, PinoNestLogger, type Logger } from './logger';
export { closeOnSignals } from './shutdown';
export { resolveApiToken, type ApiTokenLogger } from './api-token';
export { API_TOKEN, BearerTokenGuard } from './bearer-token.guard';
export { HealthController, MetricsController, ProbesModule, processMetricsRegistry, READINESS_CHECKS, METRICS_REGISTRY, type ReadinessCheck, type ProbeResult } from './http/probes';
export { setUpOpenApi } from './http/openapi';
export { runService } from './run-service';
export { ApiErrorFilter, type ErrorBody } from './http/api-error-filter';
export { readRequestBody } from './http/request-body';
