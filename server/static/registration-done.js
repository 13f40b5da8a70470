// Tells the LMS that Dynamic Registration finished so it can close its registration frame or window.
(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
