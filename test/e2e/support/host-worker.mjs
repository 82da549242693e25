// Runs the built backend host (out/main/host.js) in a worker thread, with a stand-in for
// Electron's process.parentPort and MessagePortMain made from Node's message ports. So the
// bundle main forks into a utility process is tested as built, without Electron.
import { parentPort as thread, workerData } from 'node:worker_threads';

/** Node's MessagePort dressed as Electron's MessagePortMain: 'message' events carry { data }. */
const asMainPort = (port) => ({
  on(event, listener) {
    if (event === 'message') port.on('message', (data) => listener({ data }));
    else if (event === 'close') port.on('close', listener);
  },
  postMessage: (message) => port.postMessage(message),
  start: () => port.start(),
});

process.parentPort = {
  on(event, listener) {
    if (event !== 'message') return;
    thread.on('message', (m) => listener({ data: m.data, ports: m.port ? [asMainPort(m.port)] : [] }));
  },
  postMessage: (message) => thread.postMessage(message),
};

await import(workerData.hostUrl);
