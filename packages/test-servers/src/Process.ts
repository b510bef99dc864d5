import type { ChildProcess } from "node:child_process"

/** Stops a process by PID: SIGTERM, then SIGKILL after `graceMs`. Resolves when it has exited. */
export const stopProcess = async (child: ChildProcess, graceMs = 5_000): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()))
  process.kill(child.pid, "SIGTERM")
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, "SIGKILL")
  }, graceMs)
  await exited
  clearTimeout(timer)
}

/** Whether a process with this PID is alive. */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
