// Which row actions a user sees: permitted AND meaningful for the order's state
// (FRONTEND.md, 操作 column).
import type { FacetofaceOrder } from '@/api/module_payment/facetoface'
import { FacetofacePerm } from '@/utils/permission'

export type RowAction = 'detail' | 'refresh' | 'edit' | 'resume' | 'cancel' | 'reapply'

export const ROW_ACTION_ORDER: readonly RowAction[] = ['detail', 'refresh', 'edit', 'resume', 'cancel', 'reapply']

export const ROW_ACTION_PERM: Record<RowAction, string> = {
  detail: FacetofacePerm.detail,
  refresh: FacetofacePerm.refresh,
  edit: FacetofacePerm.apply,
  resume: FacetofacePerm.apply,
  cancel: FacetofacePerm.cancel,
  reapply: FacetofacePerm.apply,
}

type RowState = Pick<FacetofaceOrder, 'order_status'> &
  Partial<Pick<FacetofaceOrder, 'needs_correction' | 'submit_step' | 'superseded_by'>>

/** Whether an action makes sense for the row's state (permissions aside). */
export function actionApplies(action: RowAction, row: RowState): boolean {
  const status = row.order_status
  switch (action) {
    case 'detail':
      return true
    case 'refresh':
      return (
        status === 'SUBMITTED' ||
        status === 'MERCHANT_AUDITING' ||
        status === 'MERCHANT_CONFIRM' ||
        (status === 'INIT' && (row.submit_step === 'confirm_sent' || row.submit_step === 'confirmed'))
      )
    case 'edit':
    case 'resume':
    case 'cancel':
      return status === 'INIT'
    case 'reapply':
      // A superseded order was already re-applied; its successor is the one to act on.
      return (status === 'CLOSED' || Boolean(row.needs_correction)) && !row.superseded_by
  }
}

/** The row's actions in display order, filtered by state and permission. */
export function rowActions(row: RowState, can: (perm: string) => boolean): RowAction[] {
  return ROW_ACTION_ORDER.filter((a) => actionApplies(a, row) && can(ROW_ACTION_PERM[a]))
}

/** Up to three buttons inline; more → the first two inline and the rest under 更多. */
export function splitActions(actions: RowAction[], max = 3): { inline: RowAction[]; more: RowAction[] } {
  if (actions.length <= max) return { inline: actions, more: [] }
  return { inline: actions.slice(0, max - 1), more: actions.slice(max - 1) }
}
