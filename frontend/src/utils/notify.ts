// The one place the request layer and views show toasts and confirmations, so tests can
// replace it. Explicit imports carry their styles (the auto-import plugin only styles
// what it imports itself).
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'

export const notify = {
  success(msg: string): void {
    ElMessage.success({ message: msg, grouping: true })
  },
  error(msg: string): void {
    ElMessage.error({ message: msg, grouping: true })
  },
  warning(msg: string): void {
    ElMessage.warning({ message: msg, grouping: true })
  },
}

/** A confirmation box; resolves true when confirmed, false when cancelled or closed. */
export async function confirmBox(
  message: string,
  labels: { title: string; confirm: string; cancel: string },
): Promise<boolean> {
  try {
    await ElMessageBox.confirm(message, labels.title, {
      type: 'warning',
      confirmButtonText: labels.confirm,
      cancelButtonText: labels.cancel,
    })
    return true
  } catch {
    return false
  }
}

/** Destructive actions: title 警告, type warning, 确定/取消. Resolves true when confirmed. */
export function confirmDanger(
  message: string,
  labels: { title: string; confirm: string; cancel: string },
): Promise<boolean> {
  return confirmBox(message, labels)
}
