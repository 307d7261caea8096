// v-hasPerm="'a:b:c'" or v-hasPerm="['a:b:c', 'a:b:d']": removes the element unless the
// user holds one of them (or `*:*:*`, or is a super admin). Hidden, never disabled.
import type { Directive, DirectiveBinding } from 'vue'
import { useUserStore } from '@/store/user'

function check(el: HTMLElement, binding: DirectiveBinding<string | string[]>): void {
  const value = binding.value
  if (!(typeof value === 'string' || Array.isArray(value))) {
    throw new Error('v-hasPerm needs a permission string or a list of them')
  }
  if (!useUserStore().can(value)) el.parentNode?.removeChild(el)
}

export const hasPerm: Directive<HTMLElement, string | string[]> = {
  mounted: check,
}

export default hasPerm
