import type { UserConfigExport } from '@tarojs/cli'

type Config = UserConfigExport<'webpack5'>

/** The settings both Taro apps share; `mini`, `h5` and anything else given are merged in. */
export function taroBaseConfig (o: Config & { projectName: string }): Config
