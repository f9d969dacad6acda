import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus, { ElMessage } from 'element-plus'
import 'element-plus/dist/index.css'
import './style.css'

import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { setUnauthorizedHandler } from './backend'
import { useSessionStore } from './stores/session'
import { useEnumsStore } from './stores/enums'
import { useCinemasStore } from './stores/cinemas'
import { adoptDesktopLanguage } from './composables/language'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router).use(ElementPlus)

// Any session-scoped call refused as "unauthorized" ends the session and returns to the login page.
setUnauthorizedHandler(() => {
  const session = useSessionStore(pinia)
  if (!session.isLoggedIn) return
  session.clear()
  useEnumsStore(pinia).reset()
  useCinemasStore(pinia).reset()
  ElMessage.warning(i18n.global.t('errors.sessionExpired'))
  const current = router.currentRoute.value
  void router.replace({ name: 'login', query: current.meta.public ? {} : { redirect: current.fullPath } })
})

// The desktop's saved language first, so the first screen is already in it.
void adoptDesktopLanguage().finally(() => app.mount('#app'))
