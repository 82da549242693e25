import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { connectClient, installClient } from './api/client';
import App from './App.vue';
import { useTheme } from './stores/theme';
import './styles/base.css';
import NoTokenView from './views/NoTokenView.vue';

const pinia = createPinia();
const startup = connectClient();
if (startup.ok) {
  installClient(startup.client);
  const app = createApp(App).use(pinia);
  useTheme(pinia);
  app.mount('#app');
} else {
  createApp(NoTokenView).use(pinia).mount('#app');
  useTheme(pinia);
}
