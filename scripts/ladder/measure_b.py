# Measurement script of docs/RESULTS.md "The default rate and the model's ladder" (issue 20), as run.
# Layout: /tmp/ladder/val = links to the 71 validation photos (make_val.py); /tmp/ladder/base = a copy
# of build/release/{bin,lib} at f9255a0 (no ladder fill); /tmp/ladder/final = the same at 0718f73 (with share/).
# Part B: candidate default operating points vs downscale+WebP at the same size.
import json, os, subprocess, sys
SEMC='/tmp/ladder/base/bin/semc'; MODEL='/work/wt-ladder/models/default'
val=sorted(os.listdir('/tmp/ladder/val'))
imgs=[val[int(k*len(val)/24)] for k in range(24)]
cands=[('old default (edges 1/4, no hint)',[]),
       ('edges 1/8 200/400 + hint 1/16',['--scale','0.125','--low','200','--high','400','--hint','16']),
       ('target 0.02',['--target-bpp','0.02']),('target 0.03',['--target-bpp','0.03']),('target 0.05',['--target-bpp','0.05'])]
decodes=[('fidelity',['--fidelity'])]
if len(sys.argv)>1 and sys.argv[1]=='sampled': decodes=[('default',[])]
out=open('/tmp/ladder/mb/results-%s.jsonl'%decodes[0][0],'a')
env=dict(os.environ,OMP_NUM_THREADS='1')
for im in imgs:
    p='/tmp/ladder/val/'+im
    for cname,opts in cands:
        if decodes[0][0]=='default' and cname.startswith('old'): continue
        for dname,dopts in decodes:
            r=subprocess.run(['nice','-n','10',SEMC,'roundtrip',p,'-o','/tmp/ladder/mb/o.png','--model',MODEL,'--json']+opts+dopts,capture_output=True,text=True,env=env)
            if r.returncode: print('FAIL',im,cname,r.stderr); continue
            j=json.loads(r.stdout)
            w=subprocess.run(['nice','-n','10',SEMC,'baseline',p,'--codec','webp-downscale','--bpp',repr(j['bpp']),'-o','/tmp/ladder/mb/w.png','--json'],capture_output=True,text=True,env=env)
            wj=json.loads(w.stdout) if w.returncode==0 else {}
            rec=dict(image=im,cand=cname,decode=dname,bytes=j['bytes'],bpp=j['bpp'],psnr=j['psnr'],ssim=j['ssim'],niqe=j['niqe'],
                     point=j.get('operating_point',{}).get('point'),webp_bpp=wj.get('bpp'),webp_psnr=wj.get('psnr'),webp_niqe=wj.get('niqe'),webp_reached=wj.get('reached'),
                     decode_s=j['decode_seconds'])
            out.write(json.dumps(rec)+'\n'); out.flush()
