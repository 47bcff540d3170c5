export default definePageConfig({
  navigationBarTitleText: '子服务商信息',
})
