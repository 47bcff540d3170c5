export default definePageConfig({
  navigationBarTitleText: '交易汇总',
})
