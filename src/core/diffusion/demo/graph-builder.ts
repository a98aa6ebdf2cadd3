import type { AttributeValue, GraphValue, NodeValue, TensorValue, ValueInfo } from './onnx-model';

/** Builds an ONNX graph op by op; every op returns the name of its (first) output. Names are sequential, so deterministic. */
export class GraphBuilder {
  private readonly nodes: NodeValue[] = [];
  private readonly initializers: TensorValue[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(info: ValueInfo): string {
    this.inputs.push(info);
    return info.name;
  }

  /** Marks `value` as a graph output named `info.name` (through an Identity when the names differ). */
  output(value: string, info: ValueInfo): void {
    if (value !== info.name) this.op('Identity', [value], {}, info.name);
    this.outputs.push(info);
  }

  private fresh(opType: string): string {
    return `${opType.toLowerCase()}_${this.counter++}`;
  }

  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = outputName ?? this.fresh(opType);
    this.nodes.push({ opType, inputs, outputs: [output], name: `${opType}_${this.nodes.length}`, attributes });
    return output;
  }

  floats(data: Float32Array | readonly number[], dims: readonly number[], name?: string): string {
    return this.constant({ name: name ?? this.fresh('const'), dataType: 'float', dims, data: Float32Array.from(data) });
  }

  int64s(data: readonly number[], dims: readonly number[] = [data.length], name?: string): string {
    return this.constant({ name: name ?? this.fresh('const'), dataType: 'int64', dims, data: BigInt64Array.from(data, BigInt) });
  }

  scalar(value: number): string {
    return this.floats([value], []);
  }

  constant(tensor: TensorValue): string {
    this.initializers.push(tensor);
    return tensor.name;
  }

  build(): GraphValue {
    return { name: this.name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}

export const ints = (value: readonly number[]): AttributeValue => ({ kind: 'ints', value });
export const int = (value: number): AttributeValue => ({ kind: 'int', value });
