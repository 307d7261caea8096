// CPU time (user + system) used by Chromium's renderer processes, from /proc. Unlike wall
// time it does not grow when other work (here: Rust builds on 2 shared cores) competes for
// the CPU, so it is the figure to compare against the 200 ms budget on a busy machine.
import { readdirSync, readFileSync } from 'node:fs'

const TICKS_PER_SECOND = 100 // Linux USER_HZ

function rendererPids() {
  const pids = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmd.includes('chromium') && cmd.includes('--type=renderer')) pids.push(Number(entry))
    } catch {
      // Process gone.
    }
  }
  return pids
}

/** Milliseconds of CPU the renderers have used so far. */
export function rendererCpuMs() {
  let ticks = 0
  for (const pid of rendererPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(fields[11]) + Number(fields[12]) // utime, stime
    } catch {
      // Process gone.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND
}
