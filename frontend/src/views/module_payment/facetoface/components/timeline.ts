// The event timeline (`GET /{id}/events`, oldest first on the wire): newest first here, one
// line per event (time, actor, what happened, outcome), worded per event kind.
import { statusView, CLOSED_REASON_LABEL, IMAGE_FIELDS, type EventActor, type FacetofaceEvent, type Locale } from '@/api/module_payment/facetoface'
import { BLANK, formatTime } from '@/utils/format'

export interface TimelineEntry {
  time: string
  actor: string
  what: string
  outcome: string
  type: 'primary' | 'success' | 'warning' | 'danger' | 'info'
}

/** vue-i18n's `t` (or a stand-in in tests). */
export type Translate = (key: string, params?: Record<string, unknown>) => string

export interface TimelineContext {
  t: Translate
  locale: Locale
  /** The logged-in user: their own events show their name instead of `用户 #id`. */
  me?: { id: number; username: string } | null
}

/** `t(key)`, or `fallback` when the key has no message (vue-i18n returns the key itself). */
function label(t: Translate, key: string, fallback: string): string {
  const text = t(key)
  return text && text !== key ? text : fallback
}

/** A user id as shown: the logged-in user's name for their own id, else `用户 #id`. */
export function userLabel(id: number | null | undefined, ctx: Pick<TimelineContext, 't' | 'me'>): string {
  if (id === null || id === undefined) return BLANK
  return ctx.me && ctx.me.id === id ? ctx.me.username : ctx.t('ff.event.user', { id })
}

export function actorLabel(actor: EventActor | null | undefined, ctx: TimelineContext): string {
  if (!actor) return BLANK
  switch (actor.type) {
    case 'user':
      return userLabel(actor.id, ctx)
    case 'worker':
      return ctx.t('ff.drawer.worker')
    case 'system':
      return ctx.t('ff.event.system')
    default:
      return String((actor as { type?: unknown }).type ?? BLANK)
  }
}

/** `alipay.open.agent.confirm` → 提交确认. */
export function methodLabel(method: string, t: Translate): string {
  return label(t, `ff.method.${method.replace(/\./g, '_')}`, method)
}

function describe(e: FacetofaceEvent, ctx: TimelineContext): Omit<TimelineEntry, 'time' | 'actor'> {
  const { t } = ctx
  const status = (s: string | null | undefined) => statusView(s, ctx.locale).label
  switch (e.kind) {
    case 'created':
      return {
        what: e.reapplied_from ? t('ff.event.createdFrom', { id: e.reapplied_from }) : t('ff.event.created'),
        outcome: '',
        type: 'primary',
      }
    case 'alipay_call': {
      const failed = Boolean(e.class)
      const code = [e.code, e.sub_code].filter(Boolean).join(' / ')
      const outcome = failed
        ? [label(t, `ff.errorClass.${e.class}`, String(e.class)), code, e.sub_msg].filter(Boolean).join(' · ')
        : [t('ff.event.ok'), code].filter(Boolean).join(' · ')
      return { what: t('ff.event.alipay_call', { method: methodLabel(e.method, t) }), outcome, type: failed ? 'danger' : 'success' }
    }
    case 'step_reached':
      return {
        what: t('ff.event.step_reached', { step: label(t, `ff.step.${e.step}`, e.step) }),
        outcome: e.batch_no ? t('ff.event.batch', { batch: e.batch_no }) : '',
        type: 'primary',
      }
    case 'status_changed':
      return {
        what: t('ff.event.status_changed', { from: status(e.from), to: status(e.to) }),
        outcome: e.alipay_status ?? '',
        type: e.to === 'SUCCESS' ? 'success' : e.to === 'CLOSED' ? 'danger' : 'primary',
      }
    case 'needs_correction_changed':
      return {
        what: e.needs_correction ? t('ff.event.needsCorrectionOn') : t('ff.event.needsCorrectionOff'),
        outcome: '',
        type: e.needs_correction ? 'warning' : 'primary',
      }
    case 'edited':
      return {
        what: t('ff.event.edited', { fields: (e.fields ?? []).map((f) => label(t, `${(IMAGE_FIELDS as readonly string[]).includes(f) ? 'ff.image' : 'ff.field'}.${f}`, f)).join(ctx.locale === 'en' ? ', ' : '、') }),
        outcome: '',
        type: 'primary',
      }
    case 'closed': {
      const known = CLOSED_REASON_LABEL[e.reason as keyof typeof CLOSED_REASON_LABEL]
      const reason = known ? (ctx.locale === 'en' ? known.en : known.zh) : String(e.reason)
      return { what: t('ff.event.closed', { reason }), outcome: '', type: 'danger' }
    }
    case 'superseded_by':
      return { what: t('ff.event.superseded_by', { id: e.order_id }), outcome: '', type: 'info' }
    case 'polling_stopped':
      return {
        what: t('ff.event.polling_stopped', { reason: label(t, `ff.pollingStop.${e.reason}`, e.reason) }),
        outcome: '',
        type: 'info',
      }
    case 'polling_resumed':
      return { what: t('ff.event.polling_resumed'), outcome: '', type: 'primary' }
    case 'batch_abandoned':
      return { what: t('ff.event.batch_abandoned', { batch: e.batch_no }), outcome: e.reason, type: 'warning' }
    case 'confirm_not_received':
      return { what: t('ff.event.confirm_not_received', { batch: e.batch_no }), outcome: '', type: 'warning' }
    case 'backward_move_ignored':
      return { what: t('ff.event.backward_move_ignored', { status: e.alipay_status }), outcome: status(e.current), type: 'info' }
    case 'unknown_alipay_status':
      return { what: t('ff.event.unknown_alipay_status', { status: e.alipay_status }), outcome: '', type: 'warning' }
    default:
      // A kind added to the server later: shown by name.
      return { what: String((e as { kind?: unknown }).kind ?? BLANK), outcome: '', type: 'info' }
  }
}

export function timelineOf(events: readonly FacetofaceEvent[], ctx: TimelineContext): TimelineEntry[] {
  const entries = events.map((e, index) => {
    const raw = e.time ?? ''
    const entry: TimelineEntry = { time: formatTime(raw), actor: actorLabel(e.actor, ctx), ...describe(e, ctx) }
    return { index, raw, entry }
  })
  // Newest first; ties keep the server's order reversed (later events last on the wire).
  entries.sort((a, b) => (a.raw === b.raw ? b.index - a.index : a.raw < b.raw ? 1 : -1))
  return entries.map((e) => e.entry)
}
