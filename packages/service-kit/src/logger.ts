// The logger lives with the rest of observability; this module keeps the old import path.
export {
  createLogger,
  flushLogs,
  isWellFormedRequestId,
  logDestination,
  recordErrorCode,
  REQUEST_ID_HEADER,
  requestIdFrom,
  requestLogger,
  openRequestScope,
  requestScopeOf,
  type LogDestination,
  type LogLevel,
  type Logger,
  type LoggerOptions,
  type RequestScope,
  type SubgraphFetchRecord,
} from './observability/logging.js';
