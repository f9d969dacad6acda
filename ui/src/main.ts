import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './style.css'

import App from './App.vue'
import { i18n } from './i18n'
import { router } from './router'
import { useBackend } from './backend'
import { sendToLoginWhenSessionEnds } from './sessionEnd'
import { adoptDesktopLanguage } from './composables/language'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia).use(i18n).use(router).use(ElementPlus)

// A session the server refuses, whichever call finds out, leads to the login page once.
sendToLoginWhenSessionEnds(useBackend(), router, pinia)

// The desktop's saved language first, so the first screen is already in it.
void adoptDesktopLanguage().finally(() => app.mount('#app'))
