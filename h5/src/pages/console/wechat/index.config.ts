export default definePageConfig({
  navigationBarTitleText: '微信号绑定',
})
