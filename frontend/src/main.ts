import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n } from './i18n'
import { hasPerm } from './directives/hasPerm'
import './styles/index.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createAppRouter())
app.directive('hasPerm', hasPerm)
app.mount('#app')
