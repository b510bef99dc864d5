/**
 * Private servers for integration tests and benchmarks: each starts on a free
 * 127.0.0.1 port under a temp directory and is stopped by PID.
 * @packageDocumentation
 */
export { freePort, waitForPort } from "./FreePort"
export { type NatsServerHandle, natsServerBinary, startNatsServer } from "./NatsServer"
export { type PostgresServerHandle, postgresBinDir, startPostgres } from "./PostgresServer"
export { isAlive, stopProcess } from "./Process"
