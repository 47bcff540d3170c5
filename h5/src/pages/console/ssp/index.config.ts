export default definePageConfig({
  navigationBarTitleText: '子服务商管理',
})
