export default definePageConfig({
  navigationBarTitleText: '服务商详情',
})
