import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { AuthAPI, type CurrentUser } from '@/api/auth'
import { clearToken, getToken, setToken } from '@/utils/auth'
import { hasPermission } from '@/utils/permission'

export const useUserStore = defineStore('user', () => {
  const token = ref(getToken())
  const profile = ref<CurrentUser | null>(null)

  const permissions = computed(() => profile.value?.permissions ?? [])
  const displayName = computed(() => profile.value?.user.username ?? '')
  const tenantName = computed(() => profile.value?.tenant.name ?? '')
  /** Key for per-user browser storage (column settings). */
  const storageKey = computed(() => {
    const u = profile.value?.user
    const tenant = profile.value?.tenant.code ?? ''
    return u ? `${tenant}:${u.id}` : 'anonymous'
  })

  function can(required: string | readonly string[]): boolean {
    return hasPermission(permissions.value, required)
  }

  async function login(username: string, password: string): Promise<void> {
    const result = await AuthAPI.login(username, password)
    token.value = result.access_token
    setToken(result.access_token)
    profile.value = null
  }

  async function loadProfile(): Promise<CurrentUser> {
    const me = await AuthAPI.me()
    profile.value = me
    return me
  }

  /** Forget everything locally (logout, or the server said the token is gone). */
  function reset(): void {
    clearToken()
    token.value = ''
    profile.value = null
  }

  return { token, profile, permissions, displayName, tenantName, storageKey, can, login, loadProfile, reset }
})
