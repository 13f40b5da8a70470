// LTI client-side platform storage (lti.put_data / lti.get_data): lets the tool prove, inside an
// LMS frame whose cookies are blocked, that this browser started the login. Talks only to the
// LMS's origin and only accepts answers from it.
(function () {
  'use strict';
  var root = document.getElementById('gl-storage');
  if (!root) return;
  var d = root.dataset;
  var origin = d.origin;
  var frame = null;
  try {
    frame = d.target === '_parent' ? window.parent : d.target === '_top' ? window.top : window.parent.frames[d.target];
  } catch (e) { frame = null; }
  var counter = 0;

  function ask(message, timeoutMs) {
    return new Promise(function (resolve, reject) {
      if (!frame || frame === window) { reject(new Error('no storage frame')); return; }
      var id = 'gl-' + Date.now() + '-' + (counter++);
      var timer = setTimeout(function () { cleanup(); reject(new Error('timeout')); }, timeoutMs);
      function onMessage(event) {
        if (event.origin !== origin || !event.data || event.data.message_id !== id) return;
        cleanup();
        if (event.data.error) reject(new Error(String(event.data.error.message || event.data.error.code || 'error')));
        else resolve(event.data);
      }
      function cleanup() { clearTimeout(timer); window.removeEventListener('message', onMessage); }
      window.addEventListener('message', onMessage);
      message.message_id = id;
      frame.postMessage(message, origin);
    });
  }

  function supportsStorage() {
    return ask({ subject: 'lti.capabilities' }, 1500).then(function (r) {
      var list = (r.supported_messages || []).map(function (m) { return m.subject; });
      return list.indexOf('lti.put_data') >= 0 && list.indexOf('lti.get_data') >= 0;
    }, function () { return false; });
  }

  if (d.mode === 'login') {
    supportsStorage().then(function (ok) {
      if (!ok) return;
      return ask({ subject: 'lti.put_data', key: 'state_' + d.state, value: d.state }, 2000)
        .then(function () { return ask({ subject: 'lti.put_data', key: 'nonce_' + d.nonce, value: d.nonce }, 2000); });
    }).catch(function () { /* the cookie path may still work */ }).then(function () {
      window.location.replace(d.redirect);
    });
  }

  if (d.mode === 'verify') {
    var status = document.getElementById('gl-status');
    var fallback = document.getElementById('gl-fallback');
    var fail = function () {
      if (status) status.textContent = 'This activity could not be opened inside the course page.';
      if (fallback) fallback.hidden = false;
    };
    Promise.all([
      ask({ subject: 'lti.get_data', key: 'state_' + d.state }, 2000),
      ask({ subject: 'lti.get_data', key: 'nonce_' + d.nonce }, 2000),
    ]).then(function (answers) {
      var state = answers[0].value;
      var nonce = answers[1].value;
      if (state !== d.state || nonce !== d.nonce) { fail(); return; }
      // fetch with our own header (which no other site can send) rather than a form post.
      return fetch('/lti/launch/complete', {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-growthline-launch': 'complete' },
        body: new URLSearchParams({ pending: d.pending, state: state, nonce: nonce }),
      }).then(function (res) {
        return res.text().then(function (html) {
          if (!res.ok) { fail(); return; }
          document.open();
          document.write(html);
          document.close();
        });
      });
    }).catch(fail);
  }
})();
