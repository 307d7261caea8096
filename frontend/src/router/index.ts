import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw, type Router } from 'vue-router'
import { useUserStore } from '@/store/user'
import { getToken } from '@/utils/auth'
import { FacetofacePerm } from '@/utils/permission'
import { setUnauthorizedHandler } from '@/utils/request'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the menu title. */
    title?: string
    /** Any one of these is needed to open the route (and to see it in the menu). */
    perms?: string[]
    /** No login needed. */
    public?: boolean
    icon?: string
    keepAlive?: boolean
  }
}

/** Pages shown in the layout's menu, in order. */
export const menuRoutes: RouteRecordRaw[] = [
  {
    path: 'payment/facetoface',
    // Equal to the component's name, so keep-alive caches the right instance.
    name: 'FacetofaceOrder',
    component: () => import('@/views/module_payment/facetoface/index.vue'),
    meta: { title: 'menu.facetoface', perms: [FacetofacePerm.query], icon: 'Wallet', keepAlive: true },
  },
]

export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'Login',
    component: () => import('@/views/login/index.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('@/layout/index.vue'),
    children: [
      { path: '', name: 'Home', component: () => import('@/views/error/home.vue') },
      ...menuRoutes,
      {
        path: ':pathMatch(.*)*',
        name: 'NotFound',
        component: () => import('@/views/error/404.vue'),
      },
    ],
  },
]

/** Where a user lands after login: the first menu page they may open. */
export function firstAllowedPath(can: (perms: string[]) => boolean): string | null {
  for (const route of menuRoutes) {
    if (!route.meta?.perms || can(route.meta.perms)) return `/${route.path}`
  }
  return null
}

export function loginLocation(to: Pick<RouteLocationNormalized, 'fullPath'>) {
  return { path: '/login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
}

/** Login, profile loading and the permission check of every navigation. */
export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    if (!getToken()) return loginLocation(to)
    const user = useUserStore()
    if (!user.profile) {
      try {
        await user.loadProfile()
      } catch {
        // A 401 was already handled (token cleared, redirect issued); anything else: retry
        // at login rather than show a half-initialised page.
        user.reset()
        return loginLocation(to)
      }
    }
    const perms = to.meta.perms
    if (perms && !user.can(perms)) {
      // Never a half-rendered list: the not-found / forbidden page, same URL.
      return { name: 'NotFound', params: { pathMatch: to.path.slice(1).split('/') }, query: to.query, hash: to.hash, replace: true }
    }
    if (to.name === 'Home') {
      const first = firstAllowedPath((p) => user.can(p))
      if (first) return first
    }
    return true
  })

  setUnauthorizedHandler(() => {
    useUserStore().reset()
    const current = router.currentRoute.value
    if (current.meta.public) return
    void router.replace(loginLocation(current))
  })
}

export function createAppRouter(): Router {
  const router = createRouter({ history: createWebHistory(), routes })
  installGuards(router)
  return router
}
