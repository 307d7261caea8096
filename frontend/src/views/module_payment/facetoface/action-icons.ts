import type { Component } from 'vue'
import { CircleClose, Edit, Promotion, RefreshLeft, RefreshRight, View } from '@element-plus/icons-vue'
import type { RowAction } from './actions'

export const ACTION_ICONS: Record<RowAction, Component> = {
  detail: View,
  refresh: RefreshRight,
  edit: Edit,
  resume: Promotion,
  cancel: CircleClose,
  reapply: RefreshLeft,
}
