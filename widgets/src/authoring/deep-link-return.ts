// Ends a deep-linking launch: the LMS expects the signed response as a form POST (field JWT) to its
// return URL. A real form submission, in the current browsing context, works at the top level and
// inside the LMS iframe alike (no cookies or window.open involved).
export function postToLms(returnUrl: string, jwt: string, doc: Document = document): HTMLFormElement {
  const form = doc.createElement('form');
  form.method = 'post';
  form.action = returnUrl;
  form.target = '_self';
  form.hidden = true;
  const input = doc.createElement('input');
  input.type = 'hidden';
  input.name = 'JWT';
  input.value = jwt;
  form.append(input);
  doc.body.append(form);
  form.submit();
  return form;
}
