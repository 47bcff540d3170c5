import { useRouter } from '@tarojs/taro'
import { ResultPage } from '../../../components/result'
import { scanResultView } from '../../../lib/scan-result'

/** Where the server sends a phone after a QR scan (T1, T4); built from the query string alone. */
export function ScanResult ({ params }: { params: Record<string, string | undefined> }) {
  return <ResultPage view={scanResultView(params)} className='scan-result' />
}

export default function ScanResultPage () {
  return <ScanResult params={useRouter().params} />
}
