export default definePageConfig({ navigationBarTitleText: '关联身份' })
