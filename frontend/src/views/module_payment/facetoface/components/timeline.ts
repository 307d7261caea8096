// The event timeline: newest first, one line per event (time, actor, what, outcome).
import type { FacetofaceEvent } from '@/api/module_payment/facetoface'
import { BLANK, formatTime } from '@/utils/format'

export interface TimelineEntry {
  time: string
  actor: string
  what: string
  outcome: string
  type: 'primary' | 'success' | 'warning' | 'danger' | 'info'
}

export function timelineOf(events: readonly FacetofaceEvent[], workerLabel: string): TimelineEntry[] {
  const entries = events.map((e, index) => {
    const raw = e.time ?? e.created_time ?? ''
    const actor =
      typeof e.actor === 'string'
        ? e.actor
        : e.actor
          ? e.actor.name || (e.actor.type === 'worker' ? workerLabel : e.actor.type) || BLANK
          : BLANK
    const transition = e.from_status && e.to_status ? `${e.from_status} → ${e.to_status}` : ''
    const what = [e.event ?? e.kind ?? '', transition].filter(Boolean).join(' ') || BLANK
    const code = [e.code, e.sub_code].filter(Boolean).join(' / ')
    const outcome = [e.outcome, code, e.sub_msg ?? e.message].filter(Boolean).join(' · ')
    const failed = Boolean(e.sub_code) || /fail|error|refus|timeout/i.test(String(e.outcome ?? ''))
    return { index, raw, entry: { time: formatTime(raw), actor: actor === 'worker' ? workerLabel : actor, what, outcome, type: failed ? 'danger' : 'primary' } as TimelineEntry }
  })
  // Newest first; ties keep the server's order reversed (later events last on the wire).
  entries.sort((a, b) => (a.raw === b.raw ? b.index - a.index : a.raw < b.raw ? 1 : -1))
  return entries.map((e) => e.entry)
}
