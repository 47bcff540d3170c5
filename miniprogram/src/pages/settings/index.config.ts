export default definePageConfig({
  navigationBarTitleText: '收款消息设置',
})
