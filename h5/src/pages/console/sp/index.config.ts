export default definePageConfig({
  navigationBarTitleText: '服务商账户管理',
})
