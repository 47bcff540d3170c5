// Every Taro component becomes a plain HTML element that keeps className, style, id and the tap handler.
const React = require('react')
const TAG = { Text: 'span', Button: 'button', Input: 'input', Image: 'img' }
function make (name) {
  if (name === 'Block') return ({ children }) => React.createElement(React.Fragment, null, children)
  const tag = TAG[name] || 'div'
  const C = React.forwardRef(({ className, style, id, onClick, onTap, onInput, value, placeholder, src, children }, ref) => {
    const p = { ref, className, id, onClick: onClick || onTap }
    if (style && typeof style === 'object') p.style = style
    if (tag === 'input') Object.assign(p, { value, placeholder, onChange: (e) => onInput && onInput({ detail: { value: e.target.value } }) })
    if (tag === 'img') p.src = src
    return React.createElement(tag, p, tag === 'input' || tag === 'img' ? undefined : children)
  })
  C.displayName = name
  return C
}
module.exports = new Proxy({ __esModule: true }, { get: (t, k) => (k in t ? t[k] : (typeof k === 'string' && /^[A-Z]/.test(k) ? (t[k] = make(k)) : undefined)) })
