export default definePageConfig({
  navigationBarTitleText: '服务商信息',
})
