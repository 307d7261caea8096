// Login and the current user (DESIGN.md §4).
import { request } from '@/utils/request'

export interface LoginResult {
  access_token: string
  token_type: string
  expires_in?: number
}

export interface CurrentUser {
  user: { id: number; username: string; name?: string | null; nickname?: string | null }
  tenant: { id: number; code?: string; name: string } | null
  roles: string[]
  permissions: string[]
  is_superuser?: boolean
}

export const AuthAPI = {
  login(username: string, password: string): Promise<LoginResult> {
    // A login is not a "mutation" worth a toast; the page navigates instead.
    return request({ method: 'post', url: '/auth/login', data: { username, password }, successToast: false })
  },
  me(): Promise<CurrentUser> {
    return request({ method: 'get', url: '/auth/me' })
  },
}
