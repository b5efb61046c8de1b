// The driver's side of the overhead server's IPC channel (server.mjs), shared by the timed
// rounds (run.mjs) and the instruction counts (instructions.mjs).

/** The server's port, from its first message; rejects if it exits first. */
export function portOf(child, what) {
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}

/** Sends `message` and resolves with the first reply that has `field`. */
export function ask(child, message, field) {
  return new Promise((resolve) => {
    const onMessage = (m) => {
      if (m[field] === undefined) return;
      child.off('message', onMessage);
      resolve(m[field]);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

/** Asks the server to stop; resolves once it has exited. */
export function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.send('stop');
  });
}
