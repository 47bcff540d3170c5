export default definePageConfig({
  navigationBarTitleText: '收款二维码',
})
