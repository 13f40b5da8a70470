// Inside an LMS iframe, tell the LMS our height (lti.frameResize, understood by Canvas) whenever it changes.
export function reportFrameHeight(target: Window = window.parent): () => void {
  if (target === window) return () => undefined;
  let last = 0;
  const send = () => {
    const height = Math.ceil(document.documentElement.scrollHeight);
    if (height === last) return;
    last = height;
    target.postMessage({ subject: 'lti.frameResize', height }, '*');
  };
  const ro = new ResizeObserver(send);
  ro.observe(document.documentElement);
  send();
  return () => ro.disconnect();
}
