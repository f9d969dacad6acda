import { createRouter, createWebHashHistory } from 'vue-router'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean
    /** i18n key of the page title. */
    titleKey?: string
    /** SYS_ADMIN only. */
    admin?: boolean
  }
}

const page = (name: string, path: string, titleKey: string, component: () => Promise<unknown>, admin = false) => ({
  path,
  name,
  component,
  meta: { titleKey, admin },
})

export const router = createRouter({
  // Hash history: the UI is served from tauri:// and from a plain server alike.
  history: createWebHashHistory(),
  routes: [
    {
      path: '/login',
      name: 'login',
      component: () => import('@/views/LoginView.vue'),
      meta: { public: true },
    },
    {
      path: '/',
      component: () => import('@/layouts/MainLayout.vue'),
      children: [
        { path: '', redirect: { name: 'dashboard' } },
        page('dashboard', 'dashboard', 'menu.dashboard', () => import('@/views/DashboardView.vue')),
        page('cinemas', 'cinemas', 'menu.cinemas', () => import('@/views/CinemasView.vue')),
        page('halls', 'halls', 'menu.halls', () => import('@/views/HallsView.vue')),
        page('seats', 'seats', 'menu.seats', () => import('@/views/SeatsView.vue')),
        page('movies', 'movies', 'menu.movies', () => import('@/views/MoviesView.vue')),
        page('library', 'library', 'menu.library', () => import('@/views/LibraryView.vue')),
        page('vod', 'vod-tasks', 'menu.vod', () => import('@/views/VodTasksView.vue')),
        page('uploads', 'uploads', 'menu.uploads', () => import('@/views/UploadsView.vue')),
        page('users', 'users', 'menu.users', () => import('@/views/UsersView.vue'), true),
        page('audit', 'audit', 'menu.audit', () => import('@/views/AuditView.vue')),
        page('enums', 'enums', 'menu.enums', () => import('@/views/EnumsView.vue')),
        page('models', 'models', 'menu.models', () => import('@/views/ModelsView.vue')),
        page('settings', 'settings', 'menu.settings', () => import('@/views/SettingsView.vue')),
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
})

router.beforeEach((to) => {
  const session = useSessionStore()
  if (!to.meta.public && !session.isLoggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  if (to.name === 'login' && session.isLoggedIn) return { path: '/' }
  if (to.meta.admin && !session.isAdmin) return { name: 'dashboard' }
  return true
})
